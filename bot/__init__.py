"""Kimss Privacy Assistant: answers privacy-policy questions with cited sections."""
