"""The five seed plans of ../shared/seeds as Python data (format: FORMAT.md)."""
