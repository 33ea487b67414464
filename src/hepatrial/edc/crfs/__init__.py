"""Case report forms: lab results, clinical assessments and the scores derived from them."""
