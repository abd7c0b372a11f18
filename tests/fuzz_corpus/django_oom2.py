from django.db import migrations, models


def fill(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    Product.objects.update(sku="x")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="sku",
            field=models.CharField(db_index=True, max_length=32, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="product",
            ]name="sku",
            field=models.CharField(db_column="stock_code", max_length=40),
        ),
        migrations.RenameField(
            model_name="product",
            old_name="name",
            new_name="title",
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["-created_at", "title"], name="catalog_pro_created_idx"),
        ),
        migrations.AddConstraint(
            model_name="product",
            constraint=models.CheckConstraint(condition=models.Q(("price__gte", 0)), name="price_not_negative"),
        ),
      uct",
            constraice__gte", 0)), name="price_not_negative"),
        ),
        migrations.AddConstraint(
            model_name="product",
            constraint=models.UniqueConstraint(fields=("owner", "title"), name="one_title_per_owner"),
        ),
        migrations.CreateModel(
            name="Tag",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("label", models.TextField(unique=True)),
  operations = [
        migrations.AlterModelOptions(
            name="embed",
            options={"verbose_name": "embed"},
        ),
    ]
          ],
            options={"db_table": "catalog_labels"},
        ),
        migrations.RenameModel(old serialize=False, verbose_name="ID")),
                ("label", models.TextField(unique=True)),
            ],
            options={"db_table": "catalog_labels"},
        ),
        migrations.RenameModel(old_name="Tag", new_name="Label"),
        migrations.AlterModelTable(name="label", table="cata