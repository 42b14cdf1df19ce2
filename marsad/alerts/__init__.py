"""Alert rules checked against new and changed events; each (rule, event) fires once."""
