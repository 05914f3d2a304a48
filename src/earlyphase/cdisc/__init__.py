"""CDISC SDTM/ADaM input, output and derivations."""
