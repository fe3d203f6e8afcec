"""Reports and displays: the localized view, templates, PDF and notebook cards."""
