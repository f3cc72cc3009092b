"""The platform under the domains: health and readiness, metrics, logs and request ids.

Nothing here imports a domain package; the app wires the domains' objects in.
"""
