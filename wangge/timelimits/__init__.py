"""Time limits (限时办结) in working time: China's working-day calendar and
deadline arithmetic, used by the request flow."""
