"""Features: from raw data to the processed train and test tables."""
