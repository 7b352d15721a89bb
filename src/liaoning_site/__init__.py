"""liaoning-site: the static site generator of the Liaoning Digital Literacy and Skills Month site."""

__version__ = "0.1.0"
