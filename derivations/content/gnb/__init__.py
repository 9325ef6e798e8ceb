"""Gaussian naive Bayes with shared variances: the derivation, its estimator, and the numeric check."""
