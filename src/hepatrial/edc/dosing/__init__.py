"""Dosing: cell-product lots and infusions."""
