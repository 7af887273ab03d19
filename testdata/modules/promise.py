"""A module that breaks its node's promise: n comes back as text."""


def main(leagues=None):
    leagues = leagues or []
    return {"message": "counted", "leagues": leagues, "n": str(len(leagues))}
