"""Population registry (人口信息库): households, people, protected personal data."""
