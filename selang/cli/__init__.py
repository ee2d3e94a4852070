"""The command line: argparse and printing only; each module registers one group of commands
(see `main`)."""
