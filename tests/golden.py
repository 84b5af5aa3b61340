"""The golden checker lives in the product (bot/evaluation.py); the tests use the same one."""

from bot.evaluation import failure, load_golden

__all__ = ["failure", "load_golden"]
