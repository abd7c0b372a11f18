# From wagtail (https://github.com/wagtail/wagtail), wagtail/embeds/migrations/0006_add_embed_hash.py at commit c2ae43b9265d085c95142cd1a1f8563ad2eb4de9;
# BSD-3-Clause, Copyright (c) 2014-present Torchbox Ltd and individual contributors (see LICENSE).
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("wagtailembeds", "0005_specify_thumbnail_url_m   operations = [
    ailembeds", "0005_specify_thumbnail_url_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="embed",
            name="hash",
    model_name="product",
            constraint=models.UniqueConstraint(fields=("owner", "title"), name="one_title_per_owner"),
        ),
        migrations.CreateModel(
            name="Tag",
            fields=[
                ("id", models.BigAutoF