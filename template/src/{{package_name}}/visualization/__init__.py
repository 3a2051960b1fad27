"""Visualization: figures of the data and of the classifier's performance."""
