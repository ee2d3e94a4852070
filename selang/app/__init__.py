"""Use cases behind the command line, as functions that return results and never print:
`check`, `compile` (with `refusal`, the rule for what may leave selang), `remote` (plan, apply,
import, the CRM outbox); `loader`, `workers` and `checkcache` run and remember the checks."""
