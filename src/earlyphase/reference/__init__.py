"""Data files shipped with earlyphase: published values of the reference trial, controlled terms."""
