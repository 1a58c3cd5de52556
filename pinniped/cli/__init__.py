"""The `pinniped` command: kubectl's credential plugin (`login static`) and admin helpers.

Only `__main__`, `parser`, `login`, `execinfo` and `cache` run on the plugin's hot path; they import
the standard library and `pinniped.api`/`pinniped.client` only.
"""
