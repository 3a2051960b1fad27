"""Models: train, save, load and apply the classifier."""
