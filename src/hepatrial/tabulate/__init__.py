"""Tabulations: SDTM-shaped tables, the one seam between capture (or simulation) and analysis."""

from hepatrial.tabulate.build import Tabulations, tabulation
from hepatrial.tabulate.domains import DOMAINS, Domain, Variable, domain

__all__ = ["DOMAINS", "Domain", "Tabulations", "Variable", "domain", "tabulation"]
