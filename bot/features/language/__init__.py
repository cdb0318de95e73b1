"""The chat's language: /language shows the bot's languages as buttons, or switches to one."""
