"""Verification: cases, nominations, evidence, blind review, appeals."""
