"""caresim: experiments and outputs over the care-system model — config files, replications,
result folders, statistics and the command line."""

__version__ = "0.1.0"
__all__ = ["__version__"]
