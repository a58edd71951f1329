"""Monitoring: the indicator system, data submission and approval, evaluations, targets and plan tasks."""
