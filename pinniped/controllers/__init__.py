"""Controllers that keep the Concierge's in-memory state and its Kubernetes objects current.

Each controller lives in its own module and takes its collaborators in its constructor;
`pinniped.controllers.concierge.build_controllers` wires the set the Concierge runs.
"""
