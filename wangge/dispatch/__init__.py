"""Requests and dispatch (民呼我应 · 吹哨报到 · 接诉即办): every matter raised,
routed by place and category to the unit that must act, worked to time
limits, escalated, checked, called back and rated."""
