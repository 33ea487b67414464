"""hepatrial: the NCT06167473 UC-MSC dose trial in end-stage liver disease, run as software."""

__version__ = "0.1.0"
