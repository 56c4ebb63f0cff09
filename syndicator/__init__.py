"""syndicator: feeds and alerts for news portal sections that publish no feed."""

__version__ = "0.1.0"
