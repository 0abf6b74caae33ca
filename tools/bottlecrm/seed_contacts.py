"""Bulk-creates N contacts in the CRM's org (for the sync throughput bench): seed_contacts.py N [prefix]."""
import sys

import django

django.setup()

from common.models import Org, Profile  # noqa: E402
from contacts.models import Contact  # noqa: E402

count = int(sys.argv[1])
prefix = sys.argv[2] if len(sys.argv) > 2 else "bench"
org = Org.objects.get(name="Kessler Hydraulik")
profile = Profile.objects.filter(org=org, role="ADMIN").first()
Contact.objects.bulk_create(
    [
        Contact(org=org, created_by=profile.user, first_name="Bench", last_name=f"Contact {i}", email=f"{prefix}-{i:05d}@bench.example",
                organization=f"Bench {i % 500} GmbH", postcode=f"{10000 + i % 89999}", country="DE")
        for i in range(count)
    ],
    batch_size=1000,
)
print(count)
