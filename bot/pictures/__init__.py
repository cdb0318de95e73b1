"""Pictures the couple would rather look at than read (pure: bytes out, no Telegram, no SQL)."""
