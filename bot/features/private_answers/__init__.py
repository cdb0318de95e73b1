"""Private answers revealed together: each partner answers in a private chat with the bot, and
both answers are copied into the group once both are in. Only message ids are kept."""
