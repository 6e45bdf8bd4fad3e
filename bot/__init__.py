"""Welkom: the newcomer assistant of the city of Mechelen."""
