def task_alerts(actor, on):
    return []
