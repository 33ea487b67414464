"""Randomization: the concealed allocation list, allocations and emergency unblinding."""
