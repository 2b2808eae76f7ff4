"""The growth planner (docs/rules.md R11): forecasts, purchase strategies, the exact optimum, uncertainty."""
