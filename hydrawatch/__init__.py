"""hydrawatch: jointly find, verify, report and track accounts that spread terrorist
propaganda, and catch the "hydra" (accounts re-created after a suspension)."""

__version__ = "0.1.0"
__all__ = ["__version__"]
