"""Tables of the shell itself."""

from tortoise import fields
from tortoise.models import Model


class JobBeat(Model):
    """How often a scheduled job has run: proof that the scheduler is alive, nothing more."""

    name = fields.CharField(max_length=100, primary_key=True)
    runs = fields.IntField(default=0)

    class Meta:
        table = "chorus_job_beat"
