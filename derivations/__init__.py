"""derivations: a symbolic derivation verifier for machine-learning course notes."""
from ._claims import Assumptions, DerivativeOf, Equal, MinimumAt, Sampled, Solves, Unreadable
from ._derivation import Chain, Derivation, Step
from ._kernel import Verdict, check, check_derivation
from ._report import DerivationReport, Report, StepResult

__version__ = "0.1.0"

__all__ = [
    "Assumptions",
    "Chain",
    "Derivation",
    "DerivationReport",
    "DerivativeOf",
    "Equal",
    "MinimumAt",
    "Report",
    "Sampled",
    "Solves",
    "Step",
    "StepResult",
    "Unreadable",
    "Verdict",
    "check",
    "check_derivation",
]
