"""Test-only helpers shared by several test modules (throwaway keys, interop shims)."""
