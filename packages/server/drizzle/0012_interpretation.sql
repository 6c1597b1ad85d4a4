CREATE TABLE "interpretations" (
	"meeting_id" uuid PRIMARY KEY NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "interpreters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"display_name" text NOT NULL,
	"side_id" uuid NOT NULL,
	"from_language" text NOT NULL,
	"to_language" text NOT NULL,
	"assigned_by" uuid NOT NULL,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "interpretations" ADD CONSTRAINT "interpretations_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interpreters" ADD CONSTRAINT "interpreters_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "interpreters_person_uq" ON "interpreters" USING btree ("meeting_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "interpreters_channel_uq" ON "interpreters" USING btree ("meeting_id","to_language");--> statement-breakpoint
CREATE INDEX "interpreters_meeting_idx" ON "interpreters" USING btree ("meeting_id");