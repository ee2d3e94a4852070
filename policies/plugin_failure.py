"""SEL099: a policy plugin that failed to load or to run; reported by the policy engine."""

from selang.checks import Policy
from selang.core.diagnostics import Severity


class PolicyPluginFailed(Policy):
    """A policy plugin could not be loaded, or raised while checking.

    ## What it does
    Names the plugin (its entry-point name and `module:attribute`) registered in the
    `selang.policies` entry-point group that failed to import, is not shaped like a policy,
    claims a code another policy already has, or raised an exception or returned something other
    than diagnostics from `check`; the help says which. Every other policy still runs.

    ## Why
    A check that did not run cannot have passed: the failure is an error so that a broken
    installation never lets a selection through unchecked.

    ## Example
    A package declares
    ```
    [project.entry-points."selang.policies"]
    ACME001 = "acme_policies.quiet_hours:QuietHours"
    ```
    but `acme_policies` is not installed in the environment that runs `selang`.

    ## Use instead
    Install the plugin's package next to selang, fix the plugin, or uninstall it.
    """

    code = "SEL099"
    name = "policy-plugin-failed"
    severity = Severity.ERROR
