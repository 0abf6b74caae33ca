"""Creates BottleCRM's admin user, its org, and a personal access token for Kessler Campaigns' connector.

Run with the venv's python and DJANGO_SETTINGS_MODULE=crm.settings (start.sh does). Idempotent: a second
run finds the user, org and profile and mints a fresh token. Prints one JSON line: {"token", "orgId"}.
Sales reps named in KESSLER_CRM_REPS (comma-separated e-mails) get a profile each, so the connector can
assign leads to them the way a CRM admin would have invited them.
"""
import json
import os

import django

django.setup()

from common.models import Org, PersonalAccessToken, Profile, User  # noqa: E402

email = os.environ.get("KESSLER_CRM_ADMIN", "connector@kessler-hydraulik.example")
org_name = os.environ.get("KESSLER_CRM_ORG", "Kessler Hydraulik")

user, _ = User.objects.get_or_create(email=email, defaults={"is_active": True})
org = Org.objects.filter(name=org_name).first() or Org.objects.create(name=org_name, default_currency="EUR")
profile, _ = Profile.objects.get_or_create(user=user, org=org, defaults={"role": "ADMIN", "is_active": True, "has_sales_access": True, "has_marketing_access": True})
for rep in filter(None, (os.environ.get("KESSLER_CRM_REPS") or "").split(",")):
    rep_user, _ = User.objects.get_or_create(email=rep.strip(), defaults={"is_active": True})
    Profile.objects.get_or_create(user=rep_user, org=org, defaults={"role": "USER", "is_active": True, "has_sales_access": True})
raw, _ = PersonalAccessToken.generate(profile, "kessler-campaigns")
print(json.dumps({"token": raw, "orgId": str(org.id)}))
