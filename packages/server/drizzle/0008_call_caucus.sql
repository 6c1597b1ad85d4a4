DROP INDEX "calls_one_active_uq";--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "parent_call_id" uuid;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "side_id" uuid;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_parent_call_id_calls_id_fk" FOREIGN KEY ("parent_call_id") REFERENCES "public"."calls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_side_id_sides_id_fk" FOREIGN KEY ("side_id") REFERENCES "public"."sides"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "calls_one_caucus_uq" ON "calls" USING btree ("parent_call_id","side_id") WHERE "calls"."ended_at" is null and "calls"."parent_call_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "calls_one_active_uq" ON "calls" USING btree ("meeting_id") WHERE "calls"."ended_at" is null and "calls"."parent_call_id" is null;