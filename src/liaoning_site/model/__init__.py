"""Model stage: checked content -> one frozen `Site` with every page's URL. Pure, no I/O."""

from .site import Site, build_site_model

__all__ = ["Site", "build_site_model"]
