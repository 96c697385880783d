from django.urls import path

from transcripts import consumers

websocket_urlpatterns = [
    path("ws/jobs/<int:job_id>/", consumers.JobProgressConsumer.as_asgi()),
    path("ws/transcripts/<int:transcript_id>/", consumers.TranscriptProgressConsumer.as_asgi()),
    path("ws/stream/", consumers.StreamConsumer.as_asgi()),
]
