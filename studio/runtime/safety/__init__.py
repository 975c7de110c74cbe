"""What keeps a shared flow file from harming the machine or leaking a secret.

`sandbox` runs user code isolated by the kernel, `egress` is the one guarded function for HTTP
from nodes, `safe_eval` evaluates router and calculator expressions without `eval`, `secrets`
resolves secret references from the keyring or the environment and scrubs them by value.
Imports no other runtime package, so every other part may rely on it.
"""
