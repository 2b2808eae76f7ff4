"""The growth planner (SPEC R11): forecasts, purchase strategies, the exact optimum, uncertainty."""
