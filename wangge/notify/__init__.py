"""Messages to residents and staff (通知): stored first, always; then handed
to the configured sender (SMS gateway, WeChat template…) if any."""
