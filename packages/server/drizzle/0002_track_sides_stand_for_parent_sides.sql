ALTER TABLE "sides" ADD COLUMN "parent_side_id" uuid;--> statement-breakpoint
ALTER TABLE "sides" ADD CONSTRAINT "sides_parent_side_id_sides_id_fk" FOREIGN KEY ("parent_side_id") REFERENCES "public"."sides"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
UPDATE "sides" AS "t" SET "parent_side_id" = "p"."id" FROM "groups" AS "g", "sides" AS "p" WHERE "t"."group_id" = "g"."id" AND "g"."kind" = 'track' AND "p"."group_id" = "g"."parent_group_id" AND "p"."short_code" = "t"."short_code" AND "t"."parent_side_id" IS NULL;
