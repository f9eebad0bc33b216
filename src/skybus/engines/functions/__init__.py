"""Functions: Lambda-compatible functions. The control plane (functions, versions, aliases,
permissions, concurrency, event invoke configs), Invoke and asynchronous invocation live in this
package; the worker processes that run handlers live in :mod:`.runtime`.

Nothing is imported here eagerly, so the runtime subpackage can be imported on its own.
"""
