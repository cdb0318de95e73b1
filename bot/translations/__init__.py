"""Every language besides the English source: catalogs, a chat's words and library, reports."""
