"""Everything that talks to an Android device, through adbutils and the adb server it bundles.

Nothing outside this package imports adbutils. Results are frozen dataclasses (`adb_backend.types`);
failures are `adb_backend.errors.BackendError` subclasses.
"""
